# Conferring bodies get a home (ConferringBody); honours and lists gain a nullable reference to
# one beside the old free text, which 0005 fills and 0006 replaces. Three migrations, because on
# PostgreSQL rows updated in a transaction cannot have their table altered in the same one.

import core.validators
import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('honours', '0003_plausible_bounds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ConferringBody',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='如：共青团柳州市委员会；联合授予的写在一起，如“共青团柳州市委员会、柳州市少工委”。', max_length=200, unique=True, verbose_name='全称')),
                ('short_name', models.CharField(blank=True, help_text='工作总结中的写法，如：团中央、团省委、团市委、团区委、“共青团广西区委、广西区少工委”。不填则总结中写全称。', max_length=60, verbose_name='简称')),
                ('level', models.CharField(choices=[('national', '全国级'), ('provincial', '自治区（省）级'), ('city', '市级'), ('district', '区级'), ('township', '乡镇（街道）级'), ('school', '校级')], db_index=True, help_text='该单位授予的表彰属于哪一级。', max_length=16, verbose_name='级别')),
                ('active', models.BooleanField(default=True, help_text='停用后录入表彰时不再列出，已有记录不受影响。', verbose_name='在用')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '授予单位',
                'verbose_name_plural': '授予单位',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='commendationbatch',
            name='edition',
            field=models.PositiveSmallIntegerField(blank=True, help_text='按届评选的表彰填第几届，如第三届填 3；称号中不要再写届次。', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name='届次'),
        ),
        migrations.AddField(
            model_name='historicalcommendationbatch',
            name='edition',
            field=models.PositiveSmallIntegerField(blank=True, help_text='按届评选的表彰填第几届，如第三届填 3；称号中不要再写届次。', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name='届次'),
        ),
        migrations.AddField(
            model_name='historicalhonour',
            name='edition',
            field=models.PositiveSmallIntegerField(blank=True, help_text='按届评选的表彰填第几届，如第三届填 3；称号中不要再写届次。', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name='届次'),
        ),
        migrations.AddField(
            model_name='honour',
            name='edition',
            field=models.PositiveSmallIntegerField(blank=True, help_text='按届评选的表彰填第几届，如第三届填 3；称号中不要再写届次。', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name='届次'),
        ),
        migrations.AlterField(
            model_name='commendationbatch',
            name='awarded_on',
            field=models.DateField(blank=True, help_text='表彰决定公布的日期。', null=True, validators=[core.validators.validate_date], verbose_name='表彰日期'),
        ),
        migrations.AlterField(
            model_name='historicalcommendationbatch',
            name='awarded_on',
            field=models.DateField(blank=True, help_text='表彰决定公布的日期。', null=True, validators=[core.validators.validate_date], verbose_name='表彰日期'),
        ),
        migrations.AlterField(
            model_name='historicalhonour',
            name='awarded_on',
            field=models.DateField(blank=True, help_text='表彰决定公布的日期。', null=True, validators=[core.validators.validate_date], verbose_name='表彰日期'),
        ),
        migrations.AlterField(
            model_name='historicalhonour',
            name='recipient_kind',
            field=models.CharField(choices=[('league_member', '团员'), ('young_pioneer', '少先队员'), ('counsellor', '少先队辅导员'), ('cadre', '团干部'), ('youth', '青年'), ('league_collective', '团组织集体'), ('pioneer_collective', '少先队集体'), ('unit', '单位'), ('project', '项目')], db_index=True, max_length=24, verbose_name='获奖对象类别'),
        ),
        migrations.AlterField(
            model_name='honour',
            name='awarded_on',
            field=models.DateField(blank=True, help_text='表彰决定公布的日期。', null=True, validators=[core.validators.validate_date], verbose_name='表彰日期'),
        ),
        migrations.AlterField(
            model_name='honour',
            name='recipient_kind',
            field=models.CharField(choices=[('league_member', '团员'), ('young_pioneer', '少先队员'), ('counsellor', '少先队辅导员'), ('cadre', '团干部'), ('youth', '青年'), ('league_collective', '团组织集体'), ('pioneer_collective', '少先队集体'), ('unit', '单位'), ('project', '项目')], db_index=True, max_length=24, verbose_name='获奖对象类别'),
        ),
        migrations.CreateModel(
            name='HistoricalConferringBody',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, help_text='如：共青团柳州市委员会；联合授予的写在一起，如“共青团柳州市委员会、柳州市少工委”。', max_length=200, verbose_name='全称')),
                ('short_name', models.CharField(blank=True, help_text='工作总结中的写法，如：团中央、团省委、团市委、团区委、“共青团广西区委、广西区少工委”。不填则总结中写全称。', max_length=60, verbose_name='简称')),
                ('level', models.CharField(choices=[('national', '全国级'), ('provincial', '自治区（省）级'), ('city', '市级'), ('district', '区级'), ('township', '乡镇（街道）级'), ('school', '校级')], db_index=True, help_text='该单位授予的表彰属于哪一级。', max_length=16, verbose_name='级别')),
                ('active', models.BooleanField(default=True, help_text='停用后录入表彰时不再列出，已有记录不受影响。', verbose_name='在用')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='更新时间')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical 授予单位',
                'verbose_name_plural': 'historical 授予单位',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='commendationbatch',
            name='conferring_body_ref',
            field=models.ForeignKey(help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
        migrations.AddField(
            model_name='historicalcommendationbatch',
            name='conferring_body_ref',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
        migrations.AddField(
            model_name='historicalhonour',
            name='conferring_body_ref',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
        migrations.AddField(
            model_name='honour',
            name='conferring_body_ref',
            field=models.ForeignKey(help_text='没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。', blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='honours.conferringbody', verbose_name='授予单位'),
        ),
    ]
