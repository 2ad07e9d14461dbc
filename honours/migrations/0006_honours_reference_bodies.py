# Honours and lists reference their conferring body; the free text is gone (0005 copied it).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('honours', '0005_conferring_bodies_from_text'),
    ]

    operations = [
        # A default only so that reversing this migration can add the column back to filled tables.
        migrations.AlterField(model_name='commendationbatch', name='conferring_body', field=models.CharField(default='', max_length=200, verbose_name='授予单位')),
        migrations.AlterField(model_name='historicalcommendationbatch', name='conferring_body', field=models.CharField(default='', max_length=200, verbose_name='授予单位')),
        migrations.AlterField(model_name='historicalhonour', name='conferring_body', field=models.CharField(default='', max_length=200, verbose_name='授予单位')),
        migrations.AlterField(model_name='honour', name='conferring_body', field=models.CharField(default='', max_length=200, verbose_name='授予单位')),
        migrations.RemoveField(model_name='commendationbatch', name='conferring_body'),
        migrations.RemoveField(model_name='historicalcommendationbatch', name='conferring_body'),
        migrations.RemoveField(model_name='historicalhonour', name='conferring_body'),
        migrations.RemoveField(model_name='honour', name='conferring_body'),
        migrations.RenameField(model_name='commendationbatch', old_name='conferring_body_ref', new_name='conferring_body'),
        migrations.RenameField(model_name='historicalcommendationbatch', old_name='conferring_body_ref', new_name='conferring_body'),
        migrations.RenameField(model_name='historicalhonour', old_name='conferring_body_ref', new_name='conferring_body'),
        migrations.RenameField(model_name='honour', old_name='conferring_body_ref', new_name='conferring_body'),
        migrations.AlterField(
            model_name='commendationbatch',
            name='conferring_body',
            field=models.ForeignKey(help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
        migrations.AlterField(
            model_name='historicalcommendationbatch',
            name='conferring_body',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
        migrations.AlterField(
            model_name='historicalhonour',
            name='conferring_body',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
        migrations.AlterField(
            model_name='honour',
            name='conferring_body',
            field=models.ForeignKey(help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
    ]
